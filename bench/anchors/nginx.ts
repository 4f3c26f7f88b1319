// Anchor: nginx (Debian's package) serving ROOT's files, as a production static server is set
// up: two worker processes, sendfile on, no access log. Prints its address like the other
// anchors and stops nginx on SIGTERM.
const root = Deno.args[0];
const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});
if (!nginx) {
  console.error("nginx not found: apt-get install -y nginx");
  Deno.exit(1);
}
const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const port = (probe.addr as Deno.NetAddr).port;
probe.close();
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
for (let i = 0;; i++) {
  const up = await Deno.connect({ hostname: "127.0.0.1", port }).then((c) => {
    c.close();
    return true;
  }, () => false);
  if (up) break;
  if (i === 100) Deno.exit(1);
  await new Promise((r) => setTimeout(r, 50));
}
Deno.addSignalListener("SIGTERM", async () => {
  child.kill("SIGQUIT");
  await child.status;
  await Deno.remove(dir, { recursive: true });
  Deno.exit(0);
});
console.log(`http://127.0.0.1:${port}/`);
