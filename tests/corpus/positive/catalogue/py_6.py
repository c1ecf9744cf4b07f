# Values for the integration environment.
session.headers.update({'X-Service-Auth': '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'})
import os
WANDB_API_KEY = "42e556790e3cd5c14cef7bf1e1b0c9f6b3c41056"
AZURE_OPENAI_API_KEY = "a59e4b48bb26b248e5533207b8aee5a7"
client = Client("pa-6XnEAx0JMwXhb7cS_3pArl-77RhifVqaxBdnzFycSVJ", timeout=30)
