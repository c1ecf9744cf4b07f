Sentry.init({ dsn: 'https://368aa5f90f24e75476242fa32af066e3:bf0197541d44b94c927929ed5a7601e1@sentry.example-corp.io/42' });
const legacy = 'https://371d2ec6c4079d68065c33bb9ce1621c:98faedec6b62c66ca6070a1bd62ae96c@o1.ingest.sentry.io/5';
