/** A gate that holds whatever awaits `opened` (a handler, a reply) until it is released. */
export function gate(): { opened: Promise<void>; release: () => void } {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}
