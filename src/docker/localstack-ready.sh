#!/bin/sh
# Run by LocalStack once it is ready (docker-compose.yml): the bucket Lakeshelf's tables live in.
awslocal s3 mb s3://lakeshelf
