"""What the Router says in its own voice (agents and the knowledge speak for themselves)."""

from core.messaging.model import ReplyOption

from .model import TenantProfile

YES_NO = (ReplyOption("yes", "Yes, please"), ReplyOption("no", "No, thanks"))

TEXT_ONLY = (
    "Thanks! I can only read text messages for now. Could you write what you need in a message?"
)
HANDOFF_STARTED = (
    "I'm handing you over to a member of our team. They'll reply here as soon as they can."
)
HANDOFF_DECLINED = "No problem! Is there anything else I can help you with?"
# The bot's one word when the tenant's plan no longer pays for its replies (billing).
HOLDING = "Thanks — a member of our team will reply here shortly."
NOT_IN_DOCUMENTS = (
    "I couldn't find that in our information, and I'd rather not guess. "
    "Would you like me to connect you with a person?"
)
NOTHING_PENDING = "Sorry, I'm not sure what that refers to. How can I help you?"
THANKS = "You're welcome! Anything else I can do for you?"
GOODBYE = "Thanks for writing to us. Have a great day!"
COMING_SOON = "{feature} on WhatsApp is coming soon. Meanwhile, a person from our team can help."


def out_of_scope(profile: TenantProfile) -> str:
    return (
        f"I can help with bookings, orders and questions about {profile.name}. "
        "What would you like to do?"
    )


def hello_again(profile: TenantProfile) -> str:
    return f"Hi again! How can {profile.name} help you today?"


def about_me(profile: TenantProfile) -> str:
    """The bot's honest word on what it is."""
    return (
        f"I'm {profile.name}'s automated assistant: I can book, take orders and answer "
        'questions from our information. Write "person" any time to talk to our team.'
    )
