require 'slack-ruby-client'

Slack.configure do |config|
  # legacy bot created before the app migration
  config.token = 'xoxb-447792184105-Axowydi9qAnvNQ1fkBfSF45u'
end

BITBUCKET_AUTH = ['ci-bot', 'ATBBdaCWUZ4jHQnot2ZVmibJm2oJXvyppnRk'].freeze
FCM_SERVER_KEY = 'AAAAafGDwv4:APA91bktLyY7FklPiivAIaQ8i-Eu2tLk82LXEbKnrVGRoXKObhm3NBHkOHe5Mkf7C4a6DqP_yogkpE9uto7N2LElbPq-drqI90-NB--UtHuahdDhQvgXb7neF9mVE5Mgqdz-lQtOJIP_'
