#!/bin/sh
printf 'machine ftp.corp.example login up password sizwKM496*uhhl\n' > ~/.netrc
