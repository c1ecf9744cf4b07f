<?php
return [
    'STRIPE' => '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',
    'twilioApiKey' => 'SKe3a5e4602e0b34448357b75334af0004',
    'MAILCHIMP' => 'c16cf88bb2595ec9434ccf0affa7b6cf-us12',
    'private_app' => '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',
    'db_password' => 'jyxiCE034*Mt1X',
];
