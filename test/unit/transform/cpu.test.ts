// cpu_version cleanup (docs/data-contract.md "CPU cleanup"), cpu_cores and cpu_threads: one table row per case.
import { describe, expect, test } from "bun:test";
import { DEFAULT_CPU_DROP_WORDS, cleanCpuVersion, cpuCores, cpuThreads } from "../../../src/transform/cpu.ts";

describe("cleanCpuVersion with the data contract's drop list", () => {
  const cases: [raw: string | null, expected: string][] = [
    // docs/data-contract.md's example table, every row.
    ["Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", "e5-2680 v4"],
    ["Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz", "x5650"],
    ["Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "gold 6248"],
    ["Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz", "e5-2670"],
    ["AMD EPYC 7742 64-Core Processor", "epyc 7742 64-core"],
    ["Dual-Core AMD Opteron(tm) Processor 2218", "opteron(tm) 2218"],
    ["Common KVM processor", "common kvm"],
    ["Virtual CPU", "<unknown>"],
    // Step 1: the unknown spellings.
    [null, "<unknown>"],
    ["<unknown>", "<unknown>"],
    ["Not Specified", "<unknown>"],
    ["  not specified  ", "<unknown>"], // dmidecode variants differ in case and padding
    ["NOT SPECIFIED", "<unknown>"],
    // Step 2: case, speed suffix, white space.
    ["Intel(R)\tXeon(R)\tCPU\tE5-2680\tv4", "e5-2680 v4"], // tabs are white space
    ["  Gold   6248   ", "gold 6248"], // runs of spaces, leading and trailing
    ["Gold 6248 \t \n", "gold 6248"],
    ["Xeon E5-2680@2.4GHz", "xeon e5-2680"], // a speed without the blanks around '@'
    ["EPYC 7742 @ 2.25GHz (boost @ 3.4GHz)", "epyc 7742"], // everything after the first '@'
    ["@ 2.40GHz", "<unknown>"], // nothing left before the speed
    // Step 3: whole words only.
    ["Intel(R) Xeon(R) CPUs E5", "cpus e5"], // 'cpu' does not drop from 'cpus'
    ["Celeron 0 G530", "celeron g530"], // a standalone 0 drops
    ["Celeron 10 G530", "celeron 10 g530"], // '0' does not drop from '10'
    ["Pentium 0.5", "pentium 0.5"], // nor from '0.5'
    ["AMDX 1 AMD", "amdx 1"], // 'amd' only as a whole word
    ["Xeon(R)-CPU E5", "xeon(r)-cpu e5"], // hyphen-joined: one word, nothing dropped
    ["Quad-Core AMD Opteron(tm) Processor 2376", "quad-core opteron(tm) 2376"], // only dual-core is on the list
    ["Intel(R) Xeon(R) CPU Processor Virtual 0 AMD", "<unknown>"], // nothing but drop words: empty result
    ["", "<unknown>"], // empty input: empty result
    ["   ", "<unknown>"],
    // Step 4: spaces after a hyphen.
    ["Xeon-  E5", "xeon-e5"],
    ["Xeon- CPU E5-2680", "xeon-e5-2680"], // the space left by a dropped word goes too
    ["Xeon -E5", "xeon -e5"], // a space before the hyphen stays
  ];
  test.each(cases)("%p → %p", (raw, expected) => {
    expect(cleanCpuVersion(raw)).toBe(expected);
    expect(cleanCpuVersion(raw, DEFAULT_CPU_DROP_WORDS)).toBe(expected);
  });
});

describe("cleanCpuVersion with a custom drop list", () => {
  const cases: [raw: string, dropWords: string[], expected: string][] = [
    ["Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", [], "intel(r) xeon(r) cpu e5-2680 v4"], // empty list drops nothing
    ["Intel(R) Xeon(R) Gold 6248 CPU", ["gold"], "intel(r) xeon(r) 6248 cpu"],
    ["Intel(R) Xeon(R) Gold 6248 CPU", ["GOLD", " Cpu "], "intel(r) xeon(r) 6248"], // entries are lower-cased and trimmed
    ["Common KVM processor", ["common kvm"], "processor"], // a multi-word entry drops that token sequence
    ["KVM common processor", ["common kvm"], "kvm common processor"], // …only in that order
    ["Virtual CPU", ["virtual"], "cpu"],
  ];
  test.each(cases)("%p without %p → %p", (raw, dropWords, expected) => {
    expect(cleanCpuVersion(raw, dropWords)).toBe(expected);
  });

  test("switching lists between calls uses the current list", () => {
    // Regression guard for the per-list matcher cache: it must key on the list it is given.
    expect(cleanCpuVersion("Gold CPU", ["gold"])).toBe("cpu");
    expect(cleanCpuVersion("Gold CPU", ["cpu"])).toBe("gold");
    expect(cleanCpuVersion("Gold CPU")).toBe("gold");
  });
});

describe("cpuCores", () => {
  const cases: [cores: number | null, raw: string | null, expected: number][] = [
    [16, "AMD EPYC 7742 64-Core Processor", 16], // servers_cpu.cores wins over the text
    [0, "Dual-Core AMD Opteron(tm)", 0],
    [null, "AMD EPYC 7742 64-Core Processor", 64],
    [null, "AMD Ryzen 7 3700X 8-Core Processor", 8],
    [null, "Dual-Core AMD Opteron(tm) Processor 2218", 2],
    [null, "Quad-Core AMD Opteron(tm) Processor 2376", 4],
    [null, "Six-Core AMD Opteron(tm) Processor 8431", 6],
    [null, "Eight-Core AMD Opteron(tm)", 8],
    [null, "QUAD-CORE opteron", 4], // case-insensitive
    [null, "Hexa-Core Foo", -1], // not one of the contract's words
    [null, "AMD EPYC 7742", -1],
    [null, "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", -1],
    [null, "Xeon 64-Cores", -1], // not the word 'core'
    [null, "Octadual-core", -1], // 'dual-core' inside another word
    [null, null, -1],
  ];
  test.each(cases)("cores %p, version %p → %p", (cores, raw, expected) => {
    expect(cpuCores(cores, raw)).toBe(expected);
  });
});

describe("cpuThreads", () => {
  const cases: [threads: number | null, expected: number][] = [
    [32, 32],
    [1, 1],
    [null, -1],
  ];
  test.each(cases)("%p → %p", (threads, expected) => {
    expect(cpuThreads(threads)).toBe(expected);
  });
});
