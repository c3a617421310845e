using Leadline.Common.Background;

namespace Leadline.Outbox;

/// <summary>Wakes this instance's dispatcher once a message was queued here (after the commit that queued it).</summary>
public sealed class OutboxWakeSignal : WakeSignal;
