// A tiny terminal for unit tests of the live view: applies the few sequences the tty renderer
// writes (CR, LF, cursor up, clear to end of screen, cursor show/hide) to a grid of a given width,
// wrapping like a real terminal, and fails on any other escape sequence. The e2e test checks the
// same things in a real terminal (tmux).

export class VirtualTerminal {
  lines: string[] = [""];
  row = 0;
  col = 0;
  cursorVisible = true;
  /** Rows that received more text than fit (the terminal wrapped them). */
  wrapped = 0;
  writes = 0;

  constructor(readonly columns: number) {}

  write(text: string): void {
    this.writes++;
    for (let i = 0; i < text.length; ) {
      const ch = text[i]!;
      if (ch === "\x1b") {
        const m = /^\x1b\[(\??)(\d*)([A-Za-z])/.exec(text.slice(i));
        if (!m) throw new Error(`unknown escape sequence at ${JSON.stringify(text.slice(i, i + 8))}`);
        this.escape(m[1]!, m[2]!, m[3]!);
        i += m[0].length;
        continue;
      }
      if (ch === "\r") this.col = 0;
      else if (ch === "\n") this.newline();
      else {
        if (ch < " ") throw new Error(`control character ${JSON.stringify(ch)} written`);
        if (this.col >= this.columns) {
          this.wrapped++;
          this.newline();
        }
        const line = this.lines[this.row]!.padEnd(this.col);
        this.lines[this.row] = line.slice(0, this.col) + ch + line.slice(this.col + 1);
        this.col++;
      }
      i++;
    }
  }

  private newline(): void {
    this.row++;
    this.col = 0;
    if (this.row >= this.lines.length) this.lines.push("");
  }

  private escape(private_: string, n: string, cmd: string): void {
    if (private_ === "?" && n === "25" && (cmd === "l" || cmd === "h")) {
      this.cursorVisible = cmd === "h";
      return;
    }
    if (private_ === "" && cmd === "A") {
      this.row = Math.max(0, this.row - Number(n || 1));
      return;
    }
    if (private_ === "" && cmd === "J" && (n === "" || n === "0")) {
      this.lines[this.row] = this.lines[this.row]!.slice(0, this.col);
      this.lines.length = this.row + 1;
      return;
    }
    throw new Error(`unexpected escape sequence ESC[${private_}${n}${cmd}`);
  }

  /** What a person sees, trailing blank lines dropped. */
  screen(): string[] {
    const out = this.lines.map((l) => l.trimEnd());
    while (out.length && out[out.length - 1] === "") out.pop();
    return out;
  }
}
