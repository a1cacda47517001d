import { defineCommand } from "citty";
import { globalArgs } from "./_args.ts";
export default defineCommand({ meta: { name: "doctor", description: "placeholder" }, args: { ...globalArgs }, run() {} });
