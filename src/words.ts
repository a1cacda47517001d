// Counts with their noun, for the lines a person reads: "1 day", "3 days".

/** `n` and the noun in the number that fits: plural(1, "day") → "1 day", plural(2, "day") → "2 days". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
