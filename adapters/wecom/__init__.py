"""WeCom (企业微信): a self-built app and its smart robot, over encrypted HTTP callbacks."""
