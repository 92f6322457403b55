//! `--config FILE`: the real binary started with a TOML file, environment variables and
//! flags, as an operator (or the systemd unit) starts it.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

/// A server process killed when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A directory holding `adal.toml` with `text`, plus a data directory.
struct Setup {
    dir: TempDir,
}

impl Setup {
    fn new(text: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("adal.toml"), text).unwrap();
        Setup { dir }
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("adal.toml")
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `adal-server` with `args` and `env`, and no ADAL_* variable of the test's own
    /// environment; the data directory is the setup's unless the file or a flag says.
    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_adal-server"));
        for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("ADAL_")) {
            command.env_remove(name);
        }
        command.current_dir(self.dir.path()).args(args).envs(env.iter().copied());
        command
    }

    /// Starts the server and waits for its start-up line.
    fn serve(&self, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = self
            .command(args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("no start-up line, got {line:?}"))
            .parse()
            .unwrap();
        Server { child, address }
    }

    /// Runs a start that must fail; answers its exit code and standard error.
    fn refused(&self, args: &[&str]) -> (Option<i32>, String) {
        let output = self.command(args, &[]).stdin(Stdio::null()).output().unwrap();
        assert!(output.stdout.is_empty(), "it started: {:?}", output.stdout);
        (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn free_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

fn toml_path(path: &Path) -> String {
    format!("{:?}", path.to_str().unwrap())
}

#[tokio::test]
async fn the_file_sets_every_kind_of_value_a_flag_takes() {
    // Arrange: a file with an address, a path, an integer and a list whose second
    // network is the one a request from this machine comes from.
    let listen = free_address();
    let data = tempfile::tempdir().unwrap();
    let setup = Setup::new(&format!(
        "# Adal\nlisten = \"{listen}\"\ndata = {}\nrate-limit-burst = 2\n\
         behind-proxy = [\"10.0.0.0/8\", \"127.0.0.1\"]\n",
        toml_path(data.path())
    ));

    // Act
    let server = setup.serve(&["--config", setup.file().to_str().unwrap()], &[]);

    // Assert: the address and the data directory are the file's; a forwarded HTTPS
    // request from 127.0.0.1 is believed (HSTS), so the list was read whole.
    assert_eq!(server.address.to_string(), listen);
    assert!(data.path().join(adal_server::db::FILE_NAME).is_file());
    let client = reqwest::Client::new();
    let health = format!("http://{}/api/v1/health", server.address);
    let answer = client.get(&health).header("x-forwarded-proto", "https").send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().contains_key("strict-transport-security"));
    // The burst of 2 submissions: the third in a row is refused.
    let statuses = futures_util::future::join_all((0..3).map(|_| {
        client
            .post(format!("http://{}/api/v1/submissions", server.address))
            .header("content-type", "application/json")
            .body("{}")
            .send()
    }))
    .await;
    let refused = statuses.iter().filter(|r| r.as_ref().unwrap().status() == 429).count();
    assert_eq!(refused, 1);
}

#[tokio::test]
async fn a_variable_beats_the_file_and_a_flag_beats_both() {
    let (in_file, in_env, in_flag) = (free_address(), free_address(), free_address());
    let setup = Setup::new(&format!("listen = \"{in_file}\"\n"));
    let file = setup.file();
    let file = file.to_str().unwrap();
    let data = setup.data();
    let data = data.to_str().unwrap();

    let from_env =
        setup.serve(&["--data", data], &[("ADAL_CONFIG", file), ("ADAL_LISTEN", &in_env)]);
    assert_eq!(from_env.address.to_string(), in_env);
    drop(from_env);

    let from_flag = setup.serve(
        &["serve", "--config", file, "--data", data, "--listen", &in_flag],
        &[("ADAL_LISTEN", &in_env)],
    );
    assert_eq!(from_flag.address.to_string(), in_flag);
    drop(from_flag);

    // The file beats the built-in default under `serve` too.
    let from_file = setup.serve(&["serve", "--config", file, "--data", data], &[]);
    assert_eq!(from_file.address.to_string(), in_file);
}

#[test]
fn a_key_that_is_not_a_flag_stops_the_start_with_its_line() {
    let setup = Setup::new("# Adal\nlisten = \"127.0.0.1:0\"\nlisten-adress = \"0.0.0.0:80\"\n");
    let file = setup.file();

    let (code, stderr) = setup.refused(&["--config", file.to_str().unwrap()]);

    assert_eq!(code, Some(2));
    let expected = format!("{}:3: listen-adress: not a flag of adal-server", file.display());
    assert!(stderr.contains(&expected), "{stderr}");
}

#[test]
fn a_value_its_flag_refuses_stops_the_start_with_its_line() {
    for (text, line, key, reason) in [
        ("listen = \"127.0.0.1:0\"\n\nrate-limit-burst = 0\n", 3, "rate-limit-burst", "\"0\""),
        (
            "behind-proxy = [\"127.0.0.1/32\",\n  \"nowhere\"]\n",
            1,
            "behind-proxy",
            "\"nowhere\": a network",
        ),
        ("\nlisten = 8080\n", 2, "listen", "invalid socket address"),
        ("listen = [\"127.0.0.1:0\"]\n", 1, "listen", "takes one value, not a list"),
        ("[tls]\ncert = \"a.pem\"\n", 1, "tls", "without sections"),
        ("listen = \"127.0.0.1:0\n", 1, "", "expected"),
    ] {
        let setup = Setup::new(text);
        let file = setup.file();

        let (code, stderr) = setup.refused(&["serve", "--config", file.to_str().unwrap()]);

        assert_eq!(code, Some(2), "{text}: {stderr}");
        let at = format!("{}:{line}: {key}", file.display());
        assert!(stderr.contains(&at) && stderr.contains(reason), "{text}: {stderr}");
    }
}

#[test]
fn a_missing_file_stops_the_start() {
    let setup = Setup::new("");
    let (code, stderr) = setup.refused(&["--config", "nowhere.toml"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("nowhere.toml: "), "{stderr}");
}

/// The README's table and the shipped config file list every flag of `serve --help`, so
/// that a flag added later is documented in both or this fails.
#[test]
fn every_flag_is_in_the_readme_table_and_the_shipped_config_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let shipped = std::fs::read_to_string(root.join("deploy/adal.toml")).unwrap();
    let help = Setup::new("").command(&["serve", "--help"], &[]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    // Each `--flag` line, and the `[env: NAME=…]` clap prints in its description.
    let mut flags: Vec<(&str, &str)> = Vec::new();
    let mut current = None;
    for line in help.lines().map(str::trim_start) {
        if let Some(rest) = line.strip_prefix("--") {
            current = rest.split([' ', '=', '<']).next();
        }
        if let (Some(flag), Some((_, env))) = (current, line.split_once("[env: ")) {
            flags.push((flag, env.split(['=', ']']).next().unwrap()));
            current = None;
        }
    }
    flags.retain(|(flag, _)| *flag != "config");
    assert!(
        flags.len() >= 15 && flags.contains(&("behind-proxy", "ADAL_BEHIND_PROXY")),
        "{flags:?}"
    );

    for (flag, env) in flags {
        let env = format!("`{env}`");
        let row = format!("| `{flag}` |");
        assert!(
            readme.lines().any(|line| line.starts_with(&row) && line.contains(&env)),
            "README.md has no row `{row} … {env} …` for --{flag}"
        );
        assert!(
            shipped.lines().any(|line| {
                let line = line.trim_start_matches("# ");
                line.starts_with(&format!("{flag} = "))
            }),
            "deploy/adal.toml does not mention {flag}"
        );
    }
}

/// The file the package installs as /etc/adal/adal.toml is one the server accepts (its
/// paths overridden by flags, as this is not the installed machine).
#[test]
fn the_shipped_config_file_starts_the_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let shipped = root.join("deploy/adal.toml");
    let setup = Setup::new("");
    let data = setup.data();

    let server = setup.serve(
        &["--config", shipped.to_str().unwrap(), "--listen", "127.0.0.1:0"],
        &[("ADAL_DATA", data.to_str().unwrap()), ("ADAL_STATIC", data.to_str().unwrap())],
    );

    assert_eq!(server.address.ip().to_string(), "127.0.0.1");
    assert!(data.join(adal_server::db::FILE_NAME).is_file());
}
