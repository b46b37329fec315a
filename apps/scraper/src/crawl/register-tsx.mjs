// Lets a worker thread import the TypeScript sources directly (development and tests).
import { register } from "tsx/esm/api";

register();
