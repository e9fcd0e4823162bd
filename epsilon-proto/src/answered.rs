//! [`Answered`](japay_core::Answered) for every outgoing request type: the request's typed answer view, so that a
//! runtime generic over the operation (the client) hands its caller `LinkOrderResponse` for a `LinkOrder`.
//!
//! **Stopgap, to be generated.** This is one line per operation only until `cargo codegen` emits the impl beside
//! each request struct (in `generated/<operation>.rs`, for every outgoing operation with an answer):
//!
//! ```text
//! impl ::japay_core::Answered for LinkOrder<'_> {
//!     type Answer<'b> = crate::response::Response<'b>;
//!     type View<'b> = LinkOrderResponse<'b>;
//!     fn view<'b>(answer: Self::Answer<'b>) -> Self::View<'b> {
//!         LinkOrderResponse { raw: answer }
//!     }
//! }
//! ```
//!
//! Then this file goes. Until then a test checks that the list below is exactly the outgoing operations of
//! [`OPERATIONS`](crate::OPERATIONS), so an operation added to the spec without a line here fails loudly.

use crate::generated::{
    Capture, CaptureResponse, Card3dsResult, Card3dsResultResponse, CardPayment, CardPaymentResponse, ChangeAmount,
    ChangeAmountResponse, GmoIdPayment, GmoIdPaymentResponse, LinkOrder, LinkOrderResponse, OrderInfo,
    OrderInfoResponse, RegisteredLinkOrder, RegisteredLinkOrderResponse, ShipRequest, ShipRequestResponse,
    StopMonthlyBilling, StopMonthlyBillingResponse, UserChange, UserChangeResponse, UserInfo, UserInfoResponse,
    UserRegister, UserRegisterResponse, UserRestore, UserRestoreResponse, UserWithdraw, UserWithdrawResponse,
    VirtualAccount, VirtualAccountResponse, Void, VoidResponse,
};
use crate::response::Response;

/// `Answered` for each `request => view` pair, and the list of their specs (for the coverage test).
macro_rules! answered {
    ($($request:ident => $view:ident,)*) => {
        $(
            impl japay_core::Answered for $request<'_> {
                type Answer<'b> = Response<'b>;
                type View<'b> = $view<'b>;
                fn view<'b>(answer: Self::Answer<'b>) -> Self::View<'b> {
                    $view { raw: answer }
                }
            }
        )*

        /// The specs of the request types above.
        #[cfg(test)]
        const COVERED: &[&japay_core::spec::OperationSpec] =
            &[$(<$request<'static> as japay_core::Operation>::SPEC,)*];
    };
}

answered! {
    Capture => CaptureResponse,
    Card3dsResult => Card3dsResultResponse,
    CardPayment => CardPaymentResponse,
    ChangeAmount => ChangeAmountResponse,
    GmoIdPayment => GmoIdPaymentResponse,
    LinkOrder => LinkOrderResponse,
    OrderInfo => OrderInfoResponse,
    RegisteredLinkOrder => RegisteredLinkOrderResponse,
    ShipRequest => ShipRequestResponse,
    StopMonthlyBilling => StopMonthlyBillingResponse,
    UserChange => UserChangeResponse,
    UserInfo => UserInfoResponse,
    UserRegister => UserRegisterResponse,
    UserRestore => UserRestoreResponse,
    UserWithdraw => UserWithdrawResponse,
    VirtualAccount => VirtualAccountResponse,
    Void => VoidResponse,
}

#[cfg(test)]
mod tests {
    use japay_core::spec::Direction;

    #[test]
    fn every_outgoing_operation_has_its_view() {
        let mut outgoing: Vec<_> =
            crate::OPERATIONS.iter().filter(|op| op.direction == Direction::Outgoing).map(|op| op.name).collect();
        let mut covered: Vec<_> = super::COVERED.iter().map(|op| op.name).collect();
        outgoing.sort_unstable();
        covered.sort_unstable();
        assert_eq!(covered, outgoing);
    }
}
