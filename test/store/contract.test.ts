import { describeStore } from "./contract.js";
import { targets } from "./harness.js";

for (const target of targets) describeStore(target);
