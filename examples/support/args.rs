//! A minimal `--flag value` parser for the benchmark examples (clap is a dependency of the
//! binary, but the examples take four flags each and print their own usage).

#![allow(dead_code)] // shared by several examples; each uses a subset

use std::str::FromStr;

/// The remaining command-line arguments, consumed flag by flag.
pub struct Args {
    rest: Vec<String>,
    usage: &'static str,
}

impl Args {
    /// The process arguments after the program name; `--help` prints `usage` and exits.
    pub fn from_env(usage: &'static str) -> Result<Args, String> {
        let rest: Vec<String> = std::env::args().skip(1).collect();
        if rest.iter().any(|a| a == "--help" || a == "-h") {
            println!("usage: {usage}");
            std::process::exit(0);
        }
        Ok(Args { rest, usage })
    }

    /// Removes `flag` (a switch without value); true when it was given.
    pub fn switch(&mut self, flag: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|a| a != flag);
        self.rest.len() != before
    }

    /// Removes every `flag VALUE` (or `flag=VALUE`) pair, in order.
    pub fn all(&mut self, flag: &str) -> Result<Vec<String>, String> {
        let mut values = Vec::new();
        let mut i = 0;
        while i < self.rest.len() {
            if self.rest[i] == flag {
                if i + 1 >= self.rest.len() {
                    return Err(format!("{flag} needs a value\nusage: {}", self.usage));
                }
                values.push(self.rest.remove(i + 1));
                self.rest.remove(i);
            } else if let Some(v) = self.rest[i].strip_prefix(&format!("{flag}=")) {
                values.push(v.to_owned());
                self.rest.remove(i);
            } else {
                i += 1;
            }
        }
        Ok(values)
    }

    /// The value of `flag`, parsed; `None` when absent. Given twice is an error.
    pub fn optional<T: FromStr>(&mut self, flag: &str) -> Result<Option<T>, String>
    where
        T::Err: std::fmt::Display,
    {
        let values = self.all(flag)?;
        match values.as_slice() {
            [] => Ok(None),
            [v] => v.parse().map(Some).map_err(|e| format!("{flag} {v}: {e}")),
            _ => Err(format!("{flag} given more than once")),
        }
    }

    /// The value of `flag`, parsed; an error naming the flag when absent.
    pub fn required<T: FromStr>(&mut self, flag: &str) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        self.optional(flag)?
            .ok_or_else(|| format!("{flag} is required\nusage: {}", self.usage))
    }

    /// Fails on any argument left over (a typo never silently does nothing).
    pub fn finish(self) -> Result<(), String> {
        match self.rest.first() {
            None => Ok(()),
            Some(a) => Err(format!("unknown argument `{a}`\nusage: {}", self.usage)),
        }
    }
}
