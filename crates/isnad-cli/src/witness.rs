//! `isnad witness …`: create a witness, tell it which logs to follow, show
//! its evidence, and serve its `add-checkpoint` endpoint. The witness
//! itself is `isnad_core::witness`.

use std::sync::Arc;

use anyhow::{Context as _, Result};
use isnad_core::VerifierKey;
use isnad_core::witness::Witness;
use serde_json::json;

use crate::cli::WitnessCommand;
use crate::commands::Ctx;
use crate::output::{outln, print_json};
use crate::serve::{listen_addr, say};

/// `witness …`.
pub fn run(ctx: &Ctx, command: WitnessCommand) -> Result<()> {
    match command {
        WitnessCommand::Init { dir, name } => {
            let w = Witness::init(&dir, &name)?;
            outln!("{}", w.cosigner_key());
        }
        WitnessCommand::AddLog { dir, vkey } => {
            let vkey: VerifierKey = vkey.trim().parse()?;
            Witness::open(&dir)?.add_log(&vkey)?;
            say(&format!("isnad: the witness follows {}", vkey.name()));
        }
        WitnessCommand::Show { dir } => {
            let w = Witness::open(&dir)?;
            let logs = w.logs()?;
            if ctx.json {
                print_json(&json!({
                    "vkey": w.cosigner_key().to_string(),
                    "logs": logs,
                }))?;
            } else {
                outln!("{}", w.cosigner_key());
                for log in logs {
                    outln!("{} {}", log.vkey, log.size);
                }
            }
        }
        WitnessCommand::Evidence { dir } => {
            for e in Witness::open(&dir)?.evidence()? {
                print_json(&serde_json::to_value(e)?)?;
            }
        }
        WitnessCommand::Serve { dir, listen } => {
            let listen = listen_addr(&listen)?;
            let witness = Arc::new(Witness::open(&dir)?);
            let name = witness.cosigner_key().name().to_owned();
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the witness's runtime")?;
            runtime
                .block_on(isnad_server::witness::serve(
                    witness,
                    listen,
                    isnad_server::shutdown_signal(),
                    |addr| {
                        say(&format!(
                            "isnad: witness {name} at http://{addr}/ (Ctrl-C stops)"
                        ))
                    },
                ))
                .with_context(|| format!("serving on {listen}"))?;
            say("isnad: witness stopped");
        }
    }
    Ok(())
}
