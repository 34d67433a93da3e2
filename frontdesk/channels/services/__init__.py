"""Every write of the channels: messages (deliveries), robots, the inbox."""
