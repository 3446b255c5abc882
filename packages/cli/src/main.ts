import { exitWith, nodeIo, processOutput } from "./node-io.js";
import { run } from "./run.js";
import { VERSION } from "./version.js";

// The one exit point of the binary: run() never exits, it returns the code.
const out = processOutput();
void run(process.argv.slice(2), nodeIo(VERSION, out)).then((code) => exitWith(out, code));
