# Lookalikes one character short of a key shape (nothing here is a key).
client = OpenAI(api_key="sk-proj-abc")
deepseek_key = "sk-0fcca2331ccd2eb2d85e1458ed50b5"
github = "ghp_16C7e42F292c6912E7710c838347Ae178B"
aws_id = "AKIAIOSFODNN7EXAMPL"
webhook = "https://hooks.slack.com/services/T000/B000/"
pinecone = "pcsk_"
