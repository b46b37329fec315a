import type { Scenario } from "./harness.js";
import { context } from "./scenarios/context.js";
import { delegation } from "./scenarios/delegation.js";
import { deliberate } from "./scenarios/deliberate.js";
import { interop } from "./scenarios/interop.js";
import {
  apis,
  lifting,
  parityDifferences,
  signals,
  taskDisposal,
  usingScenarios,
  values,
} from "./scenarios/parity.js";
import { combinators, resources } from "./scenarios/resources.js";
import { scopeApi, scopeApiDifferences } from "./scenarios/scope-api.js";
import { streams } from "./scenarios/streams.js";
import { halting, spawning } from "./scenarios/tasks.js";

/** Every scenario the differential suite runs under both engines, by theme. */
export const scenarios: Scenario[] = [
  ...spawning,
  ...halting,
  ...delegation,
  ...resources,
  ...combinators,
  ...context,
  ...streams,
  ...interop,
  ...usingScenarios,
  ...taskDisposal,
  ...apis,
  ...scopeApi,
  ...signals,
  ...lifting,
  ...values,
  ...deliberate,
  ...parityDifferences,
  ...scopeApiDifferences,
];
