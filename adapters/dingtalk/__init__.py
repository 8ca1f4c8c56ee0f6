"""DingTalk (钉钉): an internal app's robot, over Stream mode or HTTP callbacks."""
