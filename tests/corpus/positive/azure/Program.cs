class P {
  const string Conn = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=+3H2s2Q8xIKtFYjuxW1j4HXsUYG99fDS62ehr/xqAYs=";
}
