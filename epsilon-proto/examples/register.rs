//! A tiny program that uses epsilon-proto the way a merchant's server does: validate and encode one request, read
//! its answer. It never shows the spec, so it does not need the `meta` feature; compare its size built both ways:
//!
//! ```sh
//! cargo build --release -p epsilon-proto --example register
//! cargo build --release -p epsilon-proto --example register --no-default-features
//! ```

use epsilon_proto::{Charset, Options, UserRegister, UserRegisterResponse};

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "山田 太郎".to_owned());
    let request = UserRegister {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: &name,
        user_mail_add: "taro@example.com",
        ..Default::default()
    };
    let options = Options::new(Charset::Cp932);
    let mut body = Vec::new();
    match request.encode(options, &mut body) {
        // a form body is ASCII: percent-encoding leaves no other byte
        Ok(n) => println!("{n} bytes: {}", body.escape_ascii()),
        Err(report) => {
            eprintln!("{report}");
            std::process::exit(1);
        }
    }
    let answer = b"<Epsilon_result><result result=\"0\" /><result err_code=\"908\" /></Epsilon_result>";
    match UserRegisterResponse::parse_for(answer, options).map(|a| a.outcome().map(|o| format!("{o:?}"))) {
        Ok(Ok(outcome)) => println!("{outcome}"),
        Ok(Err(e)) => println!("{e}"),
        Err(e) => println!("{e}"),
    }
    // empty without the `meta` feature
    if let Some(field) = epsilon_proto::generated::user_register::USER_REGISTER.field("user_name") {
        println!("source of {}: {:?}", field.wire, field.source);
    }
}
