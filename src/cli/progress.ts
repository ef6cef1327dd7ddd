// A progress bar on stderr for long phases; silent when stderr is not a terminal, but for a last line.
export function progressBar(stream: NodeJS.WriteStream = process.stderr): (phase: string, done: number, total: number) => void {
  let lastDraw = 0;
  let lastPhase = '';
  return (phase, done, total) => {
    const now = Date.now();
    const finished = done >= total;
    if (phase !== lastPhase) lastPhase = phase;
    if (!stream.isTTY) {
      if (finished) stream.write(`${phase}: ${done}/${total}\n`);
      return;
    }
    if (!finished && now - lastDraw < 100) return;
    lastDraw = now;
    const width = 30;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    stream.write(`\r${phase.padEnd(11)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${finished ? '\n' : ''}`);
  };
}
