// Anchor: PHP-FPM sessions in Redis, as PHP sites run them across machines — Debian's php-fpm
// and php-redis with `redis.session.locking_enabled=1`, behind nginx (FastCGI over a Unix
// socket; 4 static children = 2× cores, 2 nginx workers). The counter does the same work as
// modts's: read the session, add one, save. Usage: php_session_redis.ts REDIS_PORT
import { freePort } from "../../test/local_servers.ts";

const redisPort = Deno.args[0];
const fpm = [...Deno.readDirSync("/usr/sbin")].map((e) => e.name)
  .filter((n) => /^php-fpm[\d.]*$/.test(n)).sort().at(-1);
if (!fpm) {
  console.error("php-fpm not found: apt-get install -y php-fpm php-redis nginx");
  Deno.exit(1);
}
const dir = await Deno.makeTempDir({ prefix: "modts-bench-php-" });
await Deno.chmod(dir, 0o755);
await Deno.mkdir(`${dir}/www`);
await Deno.writeTextFile(
  `${dir}/www/session.php`,
  `<?php
session_start();
$_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
header('Content-Type: text/plain; charset=utf-8');
echo 'n=', $_SESSION['n'], "\\n";
`,
);
await Deno.writeTextFile(
  `${dir}/php-fpm.conf`,
  `[global]
pid = ${dir}/php-fpm.pid
error_log = ${dir}/php-fpm.log
daemonize = no
[bench]
user = www-data
group = www-data
listen = ${dir}/php-fpm.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
listen.backlog = 1024
pm = static
pm.max_children = 4
pm.max_requests = 0
php_admin_value[session.save_handler] = redis
php_admin_value[session.save_path] = "tcp://127.0.0.1:${redisPort}?database=2"
php_admin_value[redis.session.locking_enabled] = 1
php_admin_value[session.gc_probability] = 0
php_admin_value[session.use_strict_mode] = 0
`,
);
const port = freePort();
await Deno.mkdir(`${dir}/nginx`);
await Deno.writeTextFile(
  `${dir}/nginx.conf`,
  `user www-data; worker_processes 2; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 10000000;
  client_body_temp_path ${dir}/nginx/body; fastcgi_temp_path ${dir}/nginx/fastcgi;
  upstream php_fpm { server unix:${dir}/php-fpm.sock; }
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location ~ \\.php$ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_pass php_fpm;
    }
  }
}
`,
);
const children = [
  new Deno.Command(`/usr/sbin/${fpm}`, { args: ["-F", "-y", `${dir}/php-fpm.conf`] }),
  new Deno.Command("nginx", { args: ["-c", `${dir}/nginx.conf`, "-g", "daemon off;"] }),
].map((c) => c.spawn());
for (let i = 0;; i++) {
  const up = await fetch(`http://127.0.0.1:${port}/session.php`).then(
    (r) => r.body?.cancel().then(() => r.ok),
    () => false,
  );
  if (up) break;
  if (i === 100) Deno.exit(1);
  await new Promise((r) => setTimeout(r, 50));
}
Deno.addSignalListener("SIGTERM", async () => {
  for (const child of children) child.kill("SIGQUIT");
  await Promise.all(children.map((c) => c.status));
  await Deno.remove(dir, { recursive: true });
  Deno.exit(0);
});
console.log(`http://127.0.0.1:${port}/`);
