export * from "./cancel-latency.js";
export * from "./round-trips.js";
