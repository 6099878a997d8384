// The baseline of bench_flow: a plain Socket Mode client built on slack-go
// (Debian's golang-github-slack-go-slack-dev), doing what a minimal bot
// does with no durability at all: ack every envelope, and answer each
// app_mention with one chat.postMessage in its thread. bench_flow runs it
// against the same fake Slack as the daemon and measures it the same way.
//
// Environment: SLACK_APP_TOKEN, SLACK_BOT_TOKEN, SLACK_API_URL (with a
// trailing slash, as slack-go expects).
package main

import (
	"fmt"
	"os"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func main() {
	api := slack.New(os.Getenv("SLACK_BOT_TOKEN"),
		slack.OptionAppLevelToken(os.Getenv("SLACK_APP_TOKEN")),
		slack.OptionAPIURL(os.Getenv("SLACK_API_URL")))
	client := socketmode.New(api)
	go func() {
		for evt := range client.Events {
			if evt.Type != socketmode.EventTypeEventsAPI {
				if evt.Request != nil {
					client.Ack(*evt.Request)
				}
				continue
			}
			client.Ack(*evt.Request)
			outer, ok := evt.Data.(slackevents.EventsAPIEvent)
			if !ok {
				continue
			}
			if mention, ok := outer.InnerEvent.Data.(*slackevents.AppMentionEvent); ok {
				thread := mention.ThreadTimeStamp
				if thread == "" {
					thread = mention.TimeStamp
				}
				// One goroutine per reply, as a plain slack-go bot would: the
				// event loop goes on acking meanwhile.
				go func(channel, thread string) {
					_, _, err := api.PostMessage(channel, slack.MsgOptionText("Hi! I can turn this into a support request.", false),
						slack.MsgOptionTS(thread))
					if err != nil {
						fmt.Fprintln(os.Stderr, "post:", err)
					}
				}(mention.Channel, thread)
			}
		}
	}()
	if err := client.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
}
