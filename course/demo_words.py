"""The demo's people and their words: council and charity leaders, written for the demo."""

from __future__ import annotations

from typing import NamedTuple


class DemoLeader(NamedTuple):
    """A demo leader: who they are and where they stand in the course."""

    email: str
    name: str
    done: int  # lessons finished
    quiet_days: int  # days since they last did anything
    joined_days: int  # days since they joined the cohort
    stuck: bool = False  # the lesson after the finished ones was opened long ago, not done


LEADERS = [
    DemoLeader("amara@demo.example.org", "Amara Hughes", 0, 0, 1),
    DemoLeader("ben@demo.example.org", "Ben Marsh", 5, 1, 30),
    DemoLeader("chidi@demo.example.org", "Chidi Evans", 23, 2, 60),
    DemoLeader("dana@demo.example.org", "Dana Price", 2, 9, 35, stuck=True),
    DemoLeader("eli@demo.example.org", "Eli Novak", 1, 24, 50),
    DemoLeader("farah@demo.example.org", "Farah Siddiqui", 9, 0, 40),
    DemoLeader("gareth@demo.example.org", "Gareth Lloyd", 12, 3, 45),
    DemoLeader("hana@demo.example.org", "Hana Ito", 3, 5, 20),
]

# Reflections by lesson position; leaders take turns through each list, so two leaders
# on the same lesson rarely say the same thing.
REFLECTIONS = [
    ["Fog, mostly. I know we should be 'more digital' but nobody in the senior team could "
     "say what that would look like on a Tuesday morning.",
     "Our housing repairs backlog is a quest: we know the goal and keep trying new routes. "
     "Social media is pure fog for me. I do not know what good looks like, or how to get "
     "there, and I have been pretending otherwise in board meetings."],
    ["Listening. I had assumed it was for announcements.",
     "A neighbouring trust runs a closed group for carers. I used to think of that as "
     "'their comms'. Reading it for a week, it is where carers actually ask each other what "
     "to do when a service lets them down. That is intelligence we pay consultants for."],
    ["My doubt is simple: if I post something clumsy, it will be screenshotted and I will "
     "spend a week explaining myself to members.",
     "I worry about time. I will tell my deputy I am trying this, because she will notice "
     "if it starts eating my evenings."],
    ["Residents were talking about the closure of the Eastfield library on a community "
     "page three weeks before the petition reached us. We heard it from a councillor, "
     "second hand, and by then the story had set.",
     "Volunteers mention us far more than I expected, and mostly kindly."],
    ["The people we rarely hear from are young carers. They are online, just not anywhere "
     "we look.",
     "There is a parents' forum for children with additional needs that has four thousand "
     "members in our area. None of my managers knew it existed. Two of them are members "
     "privately, it turns out."],
    ["We did change the bin collection leaflets after complaints, but we never told "
     "anyone that was why. The loop was open on our side.",
     "Cannot do: extend opening hours. Saying so plainly, with the reason, drew fewer angry "
     "replies than our usual silence did."],
    ["A chief executive two counties over had the same volunteer shortage and tried "
     "micro-volunteering through a local app. I would never have found her without "
     "searching the topic rather than the job title.",
     "Same problem elsewhere: every trust I spoke to is fighting the same recruitment "
     "battle for finance staff."],
    ["Two topics: adult social care workforce, and place-based funding.",
     "I now follow twelve people instead of three hundred accounts, and I read more."],
    ["What pays off is the fifteen minutes after lunch. What does not is checking at "
     "eleven at night.",
     "Notifications off on everything except direct messages. The sky has not fallen.",
     "My PA filters the council's own mentions now, so I see the three that matter."],
    ["Only I can say why the trust's board chose to close the day centre and what we are "
     "doing instead. Comms can write it; it only lands if it comes from me.",
     "What stops me is the feeling that a chief executive posting is showing off."],
    ["My probe: one month of weekly notes from the front door of the food bank, posted "
     "with consent. If nobody reads them, that is a result too.",
     "A safe failure is one where the worst outcome is a quiet post. I can live with that."],
    ["There are seven service accounts nobody in comms knew about. Two are brilliant.",
     "The route to yes: a one-page note, a named owner, a review date. No strategy paper."],
    ["The measure I care about is how many residents tell us something before it becomes "
     "a complaint. We have no baseline, so the first month is the baseline.",
     "I trust the number of repeat callers more than any satisfaction score."],
    ["Front-line staff talk in a WhatsApp group I am, rightly, not in.",
     "Three layers between me and the people answering the phones. Each one softens the "
     "message a little.",
     "It is safe to say things in the team meeting only when the service manager is away. "
     "That tells me more than the staff survey did."],
    ["The people who shape opinion about us are not the ones I would have listed: a "
     "retired head teacher and a parish clerk.",
     "Being seen to learn in public felt exposed, and then three peers got in touch.",
     "Blocked: the IT policy on messaging apps. I have asked for a conversation, not a "
     "decision."],
    ["Our policy is eleven pages and nine of them say what not to do.",
     "Saturday evening test: nobody was sure who could reply, so nobody did. That is the "
     "gap to close before anything else."],
    ["Strongest card: the food bank notes drew six offers of help in a month, with no "
     "budget.",
     "The failed card is the most useful one. We posted the consultation and got silence; "
     "it was the wrong place and the wrong hour."],
    ["The board cares about risk and money, in that order. I will lead with the repeat "
     "callers, not with likes.",
     "The likely sceptic is our treasurer. I will show her the numbers first, privately.",
     "In three years I want residents to hear from us before they hear about us."],
    ["New fog: artificial intelligence in casework. I will treat it the way I treated "
     "social media, with small probes.",
     "Two quests chosen: a monthly open note from me, and a listening rota for managers.",
     "Peers: the two chief executives I met through this course. We meet in March."],
    ["The most exposed are our reception staff and the planning officers, not the senior "
     "team.",
     "I have been the target once. I did not tell anyone, which is exactly what I would "
     "tell staff not to do."],
    ["Rumours run in the town's buy-and-sell group, of all places.",
     "One voice in a crisis means agreeing now who that voice is, not on the night."],
    ["Staff already use AI tools to draft letters. We just have not said so out loud.",
     "Our plan for a faked video of a councillor is, at the moment, nothing."],
    ["Grey cases: sharing a partner's event during the election period.",
     "I scheduled two posts that would land inside the period. Moved them."],
]

REPLIES = [
    "Thank you for sharing this. Could you bring the example to the next session? Others "
    "will recognise it.",
    "That is a sharp observation. What would it take to ask the contact centre directly?",
    "Good probe. Keep the numbers going for another fortnight before judging it.",
    "I like the honesty here. Worth a conversation with your chair?",
]

EXPERIMENTS = [
    "Spent twenty minutes reading the community page before my first meeting.",
    "Tried it for a week; noted every item and what, if anything, we did with it.",
    "Asked two managers to do the same and compared notes on Friday.",
    "Quieter than I expected. Repeating next week at a different time of day.",
]

PEER_REPLIES = [
    "Same in our place. We started answering the forum on Fridays and it calmed down.",
    "Thank you for putting this so plainly. I am taking the question to my own board.",
    "Did anyone push back? Ours asked who would answer at the weekend.",
    "We tried this last month. The numbers moved slowly, then all at once.",
]


# An action-learning round in the demo's first set: the holder's challenge and a
# member's question (questions only, in the first phase).
SET_CHALLENGE = (
    "Our chief officers want a social media policy signed off before anyone posts. "
    "I think a policy first will stop us ever starting. How do I get the board to let "
    "three of us try for a month instead?"
)
SET_QUESTION = "What would the board need to see at the end of the month to say yes to more?"
