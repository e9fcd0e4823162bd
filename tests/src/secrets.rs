//! Every generated secret name of both gateways is redacted by its answer reader's `Debug` (the reader, its
//! elements or attributes, and the generated views), in every spelling the one rule folds together (ASCII case and
//! `_`), and the spec's `is_secret` agrees.

use epsilon_proto::Answer as EpsilonAnswer;
use epsilon_proto::answer::Version;
use kuroneko_proto::answer::Answer;

/// The value every test answer carries under a secret name; it must never show.
const VALUE: &str = "s3cr3tVALUE";

/// Spellings of one secret name that must be secret too: as listed, upper and lower case, without `_`, and the
/// other of snake and camel case.
fn spellings(name: &str) -> Vec<String> {
    let snake: String = name
        .chars()
        .flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] })
        .collect();
    let mut camel = String::new();
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                camel.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => camel.push(c),
        }
    }
    vec![name.to_owned(), name.to_ascii_uppercase(), name.to_ascii_lowercase(), name.replace('_', ""), snake, camel]
}

/// Asserts that `shown` (some `Debug` output) hides the secret value.
fn assert_hidden(shown: &str, name: &str) {
    assert!(!shown.contains(VALUE) && !shown.contains("s3cr3t"), "{name}: {shown}");
    assert!(shown.contains("<redacted>"), "{name}: {shown}");
}

#[test]
fn every_epsilon_secret_name_is_redacted_by_the_epsilon_reader() {
    assert_eq!(epsilon_proto::generated::GATEWAY.secret_names, epsilon_proto::SECRET_NAMES);
    assert!(!epsilon_proto::SECRET_NAMES.is_empty());
    for &secret in epsilon_proto::SECRET_NAMES {
        for name in spellings(secret) {
            assert!(epsilon_proto::generated::GATEWAY.is_secret(&name), "{name}");
            let body = format!("<Epsilon_result><result {name}=\"{VALUE}\"/><result result=\"1\"/></Epsilon_result>");
            for version in [Version::V1, Version::V2] {
                let response = EpsilonAnswer::parse(body.as_bytes(), version).unwrap();
                let attribute = &response.attributes()[0];
                assert!(attribute.is_secret(), "{name}");
                assert_eq!(attribute.value, VALUE);
                for shown in [format!("{response:?}"), format!("{response:#?}"), format!("{attribute:?}")] {
                    assert_hidden(&shown, &name);
                }
                let view =
                    epsilon_proto::generated::link_order::LinkOrderResponse::parse(body.as_bytes(), version).unwrap();
                assert_hidden(&format!("{view:?}"), &name);
            }
        }
    }
}

#[test]
fn every_kuroneko_secret_name_is_redacted_by_the_kuroneko_reader() {
    let generated = kuroneko_proto::generated::SECRET_NAMES;
    assert_eq!(kuroneko_proto::generated::GATEWAY.secret_names, generated);
    // the reader's list is the generated one, not a copy
    assert_eq!(kuroneko_proto::answer::SECRET_NAMES, generated);
    assert!(!generated.is_empty());
    for &secret in generated {
        for name in spellings(secret) {
            assert!(kuroneko_proto::generated::GATEWAY.is_secret(&name), "{name}");
            assert!(kuroneko_proto::answer::is_secret(&name), "{name}");
            let body = format!(
                "<return><returnCode>0</returnCode><{name}>{VALUE}</{name}>\
                 <resultData><orderNo>A1</orderNo><{name}>{VALUE}</{name}></resultData></return>"
            );
            let answer = Answer::parse(body.as_bytes()).unwrap();
            let element = answer.fields().element(&name).unwrap();
            assert!(element.is_secret(), "{name}");
            assert_eq!(answer.get(&name), Some(VALUE));
            let row = &answer.groups()[0].block;
            assert!(row.element(&name).unwrap().is_secret(), "{name}");
            for shown in [
                format!("{answer:?}"),
                format!("{answer:#?}"),
                format!("{element:?}"),
                format!("{:?}", answer.fields()),
                format!("{row:?}"),
            ] {
                assert_hidden(&shown, &name);
            }
            let token = kuroneko_proto::CreditTokenResponse::parse(body.as_bytes()).unwrap();
            assert_hidden(&format!("{token:?}"), &name);
            let trade = kuroneko_proto::TradeInfoResponse::parse(body.as_bytes()).unwrap();
            assert_hidden(&format!("{trade:?}"), &name);
        }
    }
}

#[test]
fn names_that_are_not_secret_are_shown() {
    let body = b"<Epsilon_result><result tokens=\"shown1\"/><result card-number=\"shown2\"/></Epsilon_result>";
    let shown = format!("{:?}", EpsilonAnswer::parse(body, Version::V1).unwrap());
    assert!(shown.contains("shown1") && shown.contains("shown2"), "{shown}");
    let body = b"<return><returnCode>0</returnCode><tokens>shown1</tokens><orderNo>shown2</orderNo></return>";
    let shown = format!("{:?}", Answer::parse(body).unwrap());
    assert!(shown.contains("shown1") && shown.contains("shown2"), "{shown}");
}
