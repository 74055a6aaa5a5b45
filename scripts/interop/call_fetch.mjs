// Calls one operation with openapi-fetch (the runtime half of openapi-typescript's pair) and
// prints {"status", "data"} as JSON. Input (argv[2]): {"base", "method", "path", "params",
// "body"} where `path` is the document's path template and `params` {path, query}.
import createClient from "openapi-fetch";

const call = JSON.parse(process.argv[2]);
const client = createClient({ baseUrl: call.base });
const options = { params: call.params };
if (call.body !== null) options.body = call.body;
const { data, error, response } = await client[call.method.toUpperCase()](call.path, options);
process.stdout.write(JSON.stringify({ status: response.status, data: data ?? error ?? null }));
