#!/bin/sh
echo "//registry.npmjs.org/:_authToken=npm_oyESAN0Rjjz6JTOfLNbvRFgAPbg0JDLqkFAT" > ~/.npmrc
