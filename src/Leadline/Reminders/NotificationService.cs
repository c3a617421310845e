using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Reminders;

/// <summary>The signed-in user's notifications (the bell).</summary>
public sealed class NotificationService(LeadlineDb db, CurrentUser me, TimeProvider clock)
{
    public Task<int> UnreadCountAsync(CancellationToken ct) =>
        db.Notifications.CountAsync(n => n.UserId == me.Id && n.ReadAt == null, ct);

    public async Task<List<NotificationResponse>> LatestAsync(int take, CancellationToken ct) =>
        await db.Notifications.AsNoTracking().Where(n => n.UserId == me.Id).OrderByDescending(n => n.Id).Take(take)
            .Select(n => new NotificationResponse(n.Id, n.LeadId, n.Text, n.CreatedAt, n.ReadAt, n.ReminderId)).ToListAsync(ct);

    public Task<int> MarkAllReadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.Notifications.Where(n => n.UserId == me.Id && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }
}
