// Anchor: nginx (Debian's package) serving ROOT's files, as a production static server is set
// up: two worker processes, sendfile on, no access log. Prints its address like the other
// anchors and stops nginx on SIGTERM.
import { freePort, nginxBinary, untilListening } from "../../test/local_servers.ts";

const root = Deno.args[0];
const nginx = nginxBinary();
const port = freePort();
const dir = await Deno.makeTempDir({ prefix: "modts-bench-nginx-" });
await Deno.writeTextFile(
  `${dir}/nginx.conf`,
  `user root; worker_processes 2; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  default_type text/plain;
  server { listen 127.0.0.1:${port}; root ${root}; }
}
`,
);
const child = new Deno.Command(nginx, {
  args: ["-c", `${dir}/nginx.conf`, "-g", "daemon off;"],
  stdout: "null",
  stderr: "inherit",
}).spawn();
await untilListening(port, "nginx");
Deno.addSignalListener("SIGTERM", async () => {
  child.kill("SIGQUIT");
  await child.status;
  await Deno.remove(dir, { recursive: true });
  Deno.exit(0);
});
console.log(`http://127.0.0.1:${port}/`);
