"""Meeting minutes (会议纪要): a posted record whose action lines become items, and disputes of them."""
