// Child-process entry of `runLoadInChild`: receives one load spec over IPC, replies with the result, exits.
import { runLoad } from './http-load.mjs';

process.once('message', (spec) => {
  runLoad(spec).then(
    (result) => process.send({ result }, () => process.disconnect()),
    (err) => process.send({ error: err instanceof Error ? err.message : String(err) }, () => process.disconnect()),
  );
});
