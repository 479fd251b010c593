"""A local stand-in for the VNPAY gateway, speaking its protocol over real HTTP.

It signs and checks exactly as VNPAY documents (written out here on its own, not taken
from the shop's code, so a mistake on our side shows up as a rejected request):

- ``GET /paymentv2/vpcpay.html?vnp_...`` — the payment page. Checks our signature and the
  required fields. Answers 200 with a payment page, or, when `auto_result` is set, sends
  the IPN to the shop first and then 302-redirects the buyer to ``vnp_ReturnUrl`` with
  signed result parameters (what VNPAY does after the buyer pays).
- `send_ipn(...)` — calls the shop's IPN URL with signed result parameters (GET).
- ``POST /merchant_webapi/api/transaction`` — the merchant API; `vnp_Command=refund`
  checks the "|"-joined checksum and answers a signed JSON result.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAY_PATH = "/paymentv2/vpcpay.html"
API_PATH = "/merchant_webapi/api/transaction"
GMT7 = timezone(timedelta(hours=7))
DEFAULT_SECRET = "FAKEVNPAYSECRET0123456789"
REQUIRED_PAY_FIELDS = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
)
REFUND_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)


def _now7() -> str:
    return datetime.now(GMT7).strftime("%Y%m%d%H%M%S")


class FakeVnpay:
    def __init__(self, *, tmn_code: str = "TESSERA1", secret: str = DEFAULT_SECRET):
        self.tmn_code = tmn_code
        self.secret = secret
        self.ipn_url = ""
        # None: show the payment page; "00": pay; any other code: the buyer cancels.
        self.auto_result: str | None = None
        self.refund_answer_code = "00"
        self.payment_requests: list[dict] = []  # accepted payment page hits
        self.rejected: list[tuple[str, dict]] = []  # (reason, params)
        self.refunds: list[dict] = []  # refund requests with a valid checksum
        self.ipn_replies: list[dict] = []
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeVnpay:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                gateway._handle_pay(self)

            def do_POST(self):
                gateway._handle_api(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll lets stop() return at once (the default 0.5 s poll added up per test).
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def payment_url(self) -> str:
        return self.base_url + PAY_PATH

    @property
    def api_url(self) -> str:
        return self.base_url + API_PATH

    # --- signatures, written out as VNPAY documents them ------------------------------------

    def query_hash(self, params: dict) -> str:
        pairs = sorted(
            (k, v)
            for k, v in params.items()
            if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType") and v
        )
        data = "&".join(k + "=" + urllib.parse.quote_plus(str(v)) for k, v in pairs)
        return hmac.new(self.secret.encode(), data.encode(), hashlib.sha512).hexdigest()

    def pipe_hash(self, values: dict, fields: tuple[str, ...]) -> str:
        data = "|".join(str(values.get(name, "")) for name in fields)
        return hmac.new(self.secret.encode(), data.encode(), hashlib.sha512).hexdigest()

    def signed(self, params: dict) -> dict:
        return {**params, "vnp_SecureHash": self.query_hash(params)}

    # --- payment page -----------------------------------------------------------------------

    def _pay_errors(self, params: dict) -> str:
        if params.get("vnp_SecureHash", "") != self.query_hash(params):
            return "invalid signature"
        missing = [name for name in REQUIRED_PAY_FIELDS if not params.get(name)]
        if missing:
            return f"missing {', '.join(missing)}"
        checks = {
            "vnp_Version": params["vnp_Version"] == "2.1.0",
            "vnp_Command": params["vnp_Command"] == "pay",
            "vnp_TmnCode": params["vnp_TmnCode"] == self.tmn_code,
            "vnp_CurrCode": params["vnp_CurrCode"] == "VND",
            "vnp_Amount": params["vnp_Amount"].isdigit() and int(params["vnp_Amount"]) > 0,
            "vnp_CreateDate": len(params["vnp_CreateDate"]) == 14
            and params["vnp_CreateDate"].isdigit(),
            "vnp_ExpireDate": params["vnp_ExpireDate"] > params["vnp_CreateDate"],
        }
        bad = [name for name, ok in checks.items() if not ok]
        return f"invalid {', '.join(bad)}" if bad else ""

    def _handle_pay(self, handler: BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(handler.path)
        if url.path != PAY_PATH:
            return self._reply(handler, 404, "text/plain", b"not found")
        params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        error = self._pay_errors(params)
        if error:
            self.rejected.append((error, params))
            body = f"<h1>Giao dich khong thanh cong</h1><p>Error 70: {error}</p>"
            return self._reply(handler, 200, "text/html; charset=utf-8", body.encode())
        self.payment_requests.append(params)
        if self.auto_result is None:
            amount = int(params["vnp_Amount"]) // 100
            body = (
                f"<h1>VNPAY</h1><p>{params['vnp_OrderInfo']}</p><p>{amount:,} VND</p>"
                f"<button>Thanh toan</button>"
            )
            return self._reply(handler, 200, "text/html; charset=utf-8", body.encode())
        result = self.result_params(params, response_code=self.auto_result)
        self.ipn_replies.append(self.send_ipn(result)[1])
        location = params["vnp_ReturnUrl"] + "?" + urllib.parse.urlencode(result)
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def result_params(
        self,
        request_params: dict,
        *,
        response_code: str = "00",
        transaction_status: str | None = None,
        **overrides,
    ) -> dict:
        """The signed result VNPAY sends to the IPN and the return URL."""
        status = transaction_status or ("00" if response_code == "00" else "02")
        params = {
            "vnp_Amount": request_params["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{secrets.randbelow(10**8):08d}" if response_code == "00" else "",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": request_params.get("vnp_OrderInfo", ""),
            "vnp_PayDate": _now7(),
            "vnp_ResponseCode": response_code,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": f"{14000000 + secrets.randbelow(10**6)}",
            "vnp_TransactionStatus": status,
            "vnp_TxnRef": request_params["vnp_TxnRef"],
            **overrides,
        }
        params = {k: v for k, v in params.items() if v != ""}
        params["vnp_SecureHashType"] = "HmacSHA512"
        params["vnp_SecureHash"] = self.query_hash(params)
        return params

    def send_ipn(self, params: dict) -> tuple[int, dict]:
        """Call the shop's IPN URL like VNPAY does; returns (HTTP status, JSON reply)."""
        url = self.ipn_url + "?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, json.loads(resp.read().decode())

    # --- merchant API -----------------------------------------------------------------------

    def _handle_api(self, handler: BaseHTTPRequestHandler) -> None:
        if urllib.parse.urlsplit(handler.path).path != API_PATH:
            return self._reply(handler, 404, "text/plain", b"not found")
        length = int(handler.headers.get("Content-Length") or 0)
        try:
            body = json.loads(handler.rfile.read(length).decode())
        except ValueError:
            return self._reply(handler, 400, "text/plain", b"bad json")
        if body.get("vnp_Command") != "refund":
            code, message = "02", "Unsupported command"
        elif body.get("vnp_SecureHash") != self.pipe_hash(body, REFUND_FIELDS):
            code, message = "97", "Invalid Checksum"
        elif body.get("vnp_TmnCode") != self.tmn_code:
            code, message = "02", "Invalid TmnCode"
        else:
            self.refunds.append(body)
            code = self.refund_answer_code
            message = "Refund success" if code == "00" else "Refund refused"
        answer = {
            "vnp_ResponseId": secrets.token_hex(16),
            "vnp_Command": "refund",
            "vnp_ResponseCode": code,
            "vnp_Message": message,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": body.get("vnp_TxnRef", ""),
            "vnp_Amount": body.get("vnp_Amount", ""),
            "vnp_BankCode": "NCB",
            "vnp_PayDate": _now7(),
            "vnp_TransactionNo": f"{15000000 + secrets.randbelow(10**6)}",
            "vnp_TransactionType": body.get("vnp_TransactionType", ""),
            "vnp_TransactionStatus": "05" if code == "00" else "",
            "vnp_OrderInfo": body.get("vnp_OrderInfo", ""),
        }
        answer["vnp_SecureHash"] = self.pipe_hash(answer, REFUND_ANSWER_FIELDS)
        self._reply(handler, 200, "application/json", json.dumps(answer).encode())

    @staticmethod
    def _reply(handler, status: int, content_type: str, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
