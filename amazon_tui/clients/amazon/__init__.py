"""Amazon: Login With Amazon, SP-API Orders, Feeds, Notifications, and Amazon SQS."""
