//! `cargo xtask cluster [N]`: the deployment operators run, on this machine — PostgreSQL,
//! Garage (S3), N instances of the release server on them, and nginx (Debian's) in front as
//! the load balancer (round robin; `/api/events` unbuffered). Prints the address and the demo
//! logins; Ctrl-C stops everything. `cargo xtask test` starts the same with the debug server
//! to run one browser journey through it.
//!
//! The store is Garage, single-node (what self-hosting operators run; `s3.rs`).

use crate::cmd::step;
use crate::postgres::Postgres;
use crate::s3::S3Server;
use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const BUCKET: &str = "qyzmet";

/// Everything the cluster runs; stopped in reverse order on drop.
pub struct Cluster {
    nginx: Option<Child>,
    instances: Vec<Child>,
    _s3: S3Server,
    _postgres: Postgres,
    dir: PathBuf,
    /// Where nginx listens: `http://127.0.0.1:PORT`.
    pub url: String,
    /// The instances' own addresses, behind nginx.
    pub instance_urls: Vec<String>,
}

impl Cluster {
    /// Starts `n` instances of `server` with their shared data folder `data_dir` (the PKI
    /// every instance trusts and issues with; uploads in flight) behind nginx on `port`.
    pub fn start(
        name: &str,
        n: usize,
        server: &Path,
        data_dir: &Path,
        port: u16,
    ) -> anyhow::Result<Cluster> {
        ensure_nginx()?;
        let dir = crate::target_dir().join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let _ = std::fs::remove_dir_all(data_dir);
        step("starting PostgreSQL and the S3 server");
        let postgres = Postgres::start(&format!("{name}-postgres"))?;
        let s3 = S3Server::start(&format!("{name}-s3"), BUCKET)?;
        let database_url = format!("{}/postgres", postgres.base_url());
        let mut cluster = Cluster {
            nginx: None,
            instances: Vec::new(),
            _s3: s3,
            _postgres: postgres,
            dir: dir.clone(),
            url: format!("http://127.0.0.1:{port}"),
            instance_urls: Vec::new(),
        };
        for i in 0..n {
            cluster.start_instance(i, n, server, data_dir, &database_url)?;
        }
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, nginx_conf(&dir, port, &cluster.instance_urls))?;
        step("starting nginx in front");
        let nginx = Command::new(nginx_bin())
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&conf)
            .stderr(std::fs::File::create(dir.join("nginx.stderr"))?)
            .spawn()
            .context("starting nginx")?;
        cluster.nginx = Some(nginx);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(cluster);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        bail!(
            "nginx did not start (see {})",
            dir.join("error.log").display()
        )
    }

    /// Starts instance `i` (of `n`) on a free port and waits until it listens.
    fn start_instance(
        &mut self,
        i: usize,
        n: usize,
        server: &Path,
        data_dir: &Path,
        database_url: &str,
    ) -> anyhow::Result<()> {
        step(&format!("starting instance {} of {n}", i + 1));
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut command = Command::new(server);
        command
            .arg("--demo")
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--dist-dir")
            .arg(crate::root().join("dist"))
            .arg("--catalogue-dir")
            .arg(crate::root().join("catalogue"))
            .args(["--database-url", database_url])
            .args(["--object-store", &format!("s3://{BUCKET}/attachments")])
            // nginx, in front, connects from here: visitors are counted by the address
            // it forwards.
            .args(["--trusted-proxy", "127.0.0.1"])
            .envs(self._s3.env())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(
                self.dir.join(format!("instance-{}.log", i + 1)),
            )?);
        let mut child = command.spawn().context("starting qyzmet-server")?;
        // One at a time: the first makes the PKI and runs the migrations, the others
        // find them.
        wait_until_listening(&mut child, i == 0)?;
        self.instances.push(child);
        self.instance_urls.push(format!("http://127.0.0.1:{port}"));
        Ok(())
    }

    /// How many requests nginx passed to each instance (from its access log), in the order
    /// of `instance_urls`.
    pub fn requests_per_instance(&self) -> Vec<usize> {
        let log = std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default();
        self.instance_urls
            .iter()
            .map(|u| {
                let addr = u.trim_start_matches("http://");
                log.lines()
                    .filter(|l| l.split_whitespace().next() == Some(addr))
                    .count()
            })
            .collect()
    }

    /// Stops instance `i` at once (SIGKILL: a crash, mid-request).
    #[allow(dead_code)]
    pub fn kill(&mut self, i: usize) {
        let _ = self.instances[i].kill();
        let _ = self.instances[i].wait();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(mut nginx) = self.nginx.take() {
            // SIGTERM: the master stops its workers (SIGKILL would orphan them).
            let _ = Command::new("kill").arg(nginx.id().to_string()).status();
            let _ = nginx.wait();
        }
        for child in &mut self.instances {
            // SIGTERM first: the instance ends its event streams and finishes requests.
            let _ = Command::new("kill").arg(child.id().to_string()).status();
        }
        for child in &mut self.instances {
            let _ = child.wait();
        }
        let _ = &self.dir;
    }
}

/// Reads the instance's output until it listens (echoing the demo logins once).
fn wait_until_listening(child: &mut Child, echo: bool) -> anyhow::Result<()> {
    let stdout = child.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line?;
        if echo && !line.starts_with("qyzmet-server listening") {
            println!("{line}");
        }
        if line.starts_with("qyzmet-server listening on ") {
            // Keep draining its output so the pipe never fills.
            std::thread::spawn(move || for _ in lines {});
            return Ok(());
        }
    }
    bail!("an instance stopped before it listened")
}

fn nginx_bin() -> &'static str {
    if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

pub fn ensure_nginx() -> anyhow::Result<()> {
    if Path::new("/usr/sbin/nginx").exists() {
        return Ok(());
    }
    step("installing nginx from Debian (the cluster's load balancer)");
    crate::tools::apt_install(&["nginx"])
}

/// Round robin over the instances; the event stream unbuffered and long-lived.
fn nginx_conf(dir: &Path, port: u16, instances: &[String]) -> String {
    let upstreams: String = instances
        .iter()
        .map(|u| {
            format!(
                "        server {} max_fails=1 fail_timeout=2s;\n",
                u.trim_start_matches("http://")
            )
        })
        .collect();
    let d = dir.display();
    format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
events {{ worker_connections 1024; }}\n\
http {{\n\
    log_format upstream '$upstream_addr $status $request_method $uri';\n\
    access_log {d}/access.log upstream;\n\
    client_body_temp_path {d}/client_body;\n\
    proxy_temp_path {d}/proxy;\n\
    fastcgi_temp_path {d}/fastcgi;\n\
    uwsgi_temp_path {d}/uwsgi;\n\
    scgi_temp_path {d}/scgi;\n\
    client_max_body_size 64m;\n\
    upstream qyzmet {{\n{upstreams}        keepalive 32;\n    }}\n\
    server {{\n\
        listen 127.0.0.1:{port};\n\
        proxy_http_version 1.1;\n\
        proxy_set_header Connection \"\";\n\
        proxy_set_header Host $http_host;\n\
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
        # A killed instance: the request goes to the next one when nothing was sent yet.\n\
        proxy_next_upstream error timeout;\n\
        proxy_request_buffering off;\n\
        location /api/events {{\n\
            proxy_pass http://qyzmet;\n\
            proxy_buffering off;\n\
            proxy_read_timeout 1h;\n\
        }}\n\
        location / {{\n\
            proxy_pass http://qyzmet;\n\
        }}\n\
    }}\n\
}}\n"
    )
}

/// `cargo xtask cluster [N]`.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let n: usize = match args.first() {
        Some(n) => n
            .parse()
            .context("cargo xtask cluster [N]: N is a number of instances")?,
        None => 2,
    };
    anyhow::ensure!(n >= 1, "at least one instance");
    crate::tools::ensure_build_tools()?;
    crate::app_build::build_app()?;
    crate::tools::build_server()?;
    let server = crate::target_dir().join("release").join("qyzmet-server");
    let data_dir = crate::target_dir().join("cluster-data");
    let port: u16 = std::env::var("QYZMET_CLUSTER_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8088);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("installing the Ctrl-C handler")?;
    let cluster = Cluster::start("cluster", n, &server, &data_dir, port)?;
    println!();
    println!("  Qyzmet runs as {n} instances on PostgreSQL and Garage (S3) behind nginx.");
    println!(
        "  Open {}/ in a browser (the demo logins are above).",
        cluster.url
    );
    println!("  Instances: {}", cluster.instance_urls.join(", "));
    println!("  Stop everything with Ctrl-C.");
    println!();
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    step("stopping nginx, the instances, the S3 server and PostgreSQL");
    drop(cluster);
    Ok(())
}
