"""crm.analytics.v1.AnalyticsService: proto -> window or events -> use case -> proto."""

from collections.abc import Callable
from dataclasses import replace

from crm.analytics.v1 import analytics_pb2 as pb
from crm.analytics.v1 import analytics_pb2_grpc

from core.analytics import queries
from core.analytics.ingestion import ingest_events
from core.analytics.ports import AnalyticsUnitOfWork, Clock
from core.analytics.window import utcnow
from core.shared.errors import InvalidInput

from . import analytics_mapping as am
from .convert import money_message, timestamp

_FUNNELS = {
    pb.FUNNEL_KIND_UNSPECIFIED: "booking",
    pb.FUNNEL_KIND_BOOKING: "booking",
    pb.FUNNEL_KIND_ORDER: "order",
}


def _funnel(number: int) -> str:
    if number not in _FUNNELS:
        raise InvalidInput("kind", f"unknown value {number}")
    return _FUNNELS[number]


class AnalyticsServicer(analytics_pb2_grpc.AnalyticsServiceServicer):
    def __init__(
        self, unit_of_work: Callable[[], AnalyticsUnitOfWork], clock: Clock = utcnow
    ) -> None:
        self._uow = unit_of_work
        self._now = clock

    def _window(self, request):
        return am.request_window(request, self._now())

    async def IngestEvents(self, request, context):
        events, positions, unparsed = am.parsed_events(request.events)
        result = await ingest_events(events, self._uow(), self._now)
        invalid = [replace(r, index=positions[r.index]) for r in result.rejected]
        rejected = sorted(unparsed + invalid, key=lambda r: r.index)
        return pb.IngestEventsResponse(
            accepted_count=result.accepted,
            duplicate_count=result.duplicates,
            rejected=[
                pb.RejectedEvent(index=r.index, event_id=r.event_id, reason=r.reason)
                for r in rejected
            ],
        )

    async def GetMessageVolume(self, request, context):
        points = await queries.message_volume(self._window(request), self._uow())
        return pb.GetMessageVolumeResponse(
            points=[
                pb.MessageVolumePoint(
                    bucket_start=timestamp(p.bucket_start),
                    inbound=p.inbound,
                    outbound=p.outbound,
                    total=p.inbound + p.outbound,
                    conversations=p.conversations,
                )
                for p in points
            ],
            total_inbound=sum(p.inbound for p in points),
            total_outbound=sum(p.outbound for p in points),
        )

    async def GetIntentBreakdown(self, request, context):
        mix = await queries.intent_breakdown(self._window(request), self._uow())
        return pb.GetIntentBreakdownResponse(
            intents=[
                pb.IntentCount(
                    intent=i.intent,
                    count=i.count,
                    share=i.share,
                    average_confidence=i.average_confidence,
                )
                for i in mix
            ],
            total=sum(i.count for i in mix),
        )

    async def GetConversionFunnel(self, request, context):
        kind = _funnel(request.kind)
        stages = await queries.conversion_funnel(self._window(request), kind, self._uow())
        return pb.GetConversionFunnelResponse(
            kind=pb.FUNNEL_KIND_ORDER if kind == "order" else pb.FUNNEL_KIND_BOOKING,
            stages=[
                pb.FunnelStage(
                    name=s.name,
                    count=s.count,
                    conversion_from_previous=s.conversion_from_previous,
                    conversion_from_first=s.conversion_from_first,
                )
                for s in stages
            ],
        )

    async def GetRevenue(self, request, context):
        points = await queries.revenue(self._window(request), self._uow())
        orders, bookings = queries.total_revenue(points)
        return pb.GetRevenueResponse(
            points=[am.revenue_point(p) for p in points],
            total=money_message(orders + bookings),
            total_order_revenue=money_message(orders),
            total_booking_revenue=money_message(bookings),
        )

    async def GetLatency(self, request, context):
        points, overall = await queries.latency(self._window(request), self._uow())
        return pb.GetLatencyResponse(
            points=[am.latency_point(p) for p in points], overall=am.latency_point(overall)
        )

    async def GetHandoffShare(self, request, context):
        share = await queries.handoff_share(self._window(request), self._uow())
        return pb.GetHandoffShareResponse(
            conversations=share.conversations,
            handed_off=share.handed_off,
            bot_share=share.bot_share,
            human_share=share.human_share,
        )

    async def GetTopProducts(self, request, context):
        window = self._window(request)
        products = await queries.top_products(window, request.limit, self._uow())
        return pb.GetTopProductsResponse(products=am.ranked(products))

    async def GetUnansweredQuestions(self, request, context):
        window = self._window(request)
        questions = await queries.unanswered_questions(window, request.limit, self._uow())
        return pb.GetUnansweredQuestionsResponse(questions=am.ranked(questions))
