using Leadline.Channels;
using Leadline.Data;
using Leadline.Outbox;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Conversations.Email;

/// <summary>The IMAP reader's settings (<c>Leadline:Email</c>).</summary>
public sealed class EmailOptions
{
    /// <summary>Whether this instance reads mailboxes (every instance may; the lease keeps one per mailbox at a time).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the reader looks for mailboxes due a poll.</summary>
    public int TickSeconds { get; set; } = 15;

    /// <summary>How often a mailbox is read, unless its channel's <c>pollSeconds</c> says otherwise (at least 10).</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>A mailbox read for the first time: mail received in these last days is imported, older mail is history.</summary>
    public int FirstPollDays { get; set; } = 7;

    /// <summary>Messages imported per poll at most (the rest at the next one).</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long a poll holds its mailbox before another instance may take it (the poller died).</summary>
    public int LeaseSeconds { get; set; } = 600;
}

/// <summary>What one poll of a mailbox did.</summary>
public sealed record EmailPollResult(bool Polled, int Imported, int Bounces, int Skipped, string? Error);

/// <summary>
/// Reads the IMAP inboxes of the e-mail channels that have an <c>imapHost</c>: each poll claims the mailbox's lease (one
/// conditional UPDATE, so instances never read one mailbox at once), fetches the messages after the last UID imported
/// (all of them again when the server's UIDVALIDITY changed; only recent ones the first time), hands each to
/// <see cref="EmailInbound"/> in the channel's workspace and moves the last UID on after each one. The mailbox is opened
/// read-only: nothing is marked, moved or deleted.
/// </summary>
public sealed class EmailPoller(IServiceScopeFactory scopes, TimeProvider clock, IOptions<EmailOptions> options, OutboxInstance instance, ChannelSecrets secrets,
    ILogger<EmailPoller> log)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls every mailbox whose interval has passed; returns how many messages were imported.</summary>
    public async Task<int> PollDueAsync(CancellationToken ct)
    {
        List<int> ids;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
            var channels = await db.Channels.IgnoreQueryFilters().AsNoTracking().Where(c => c.Kind == ChannelKind.Email && c.Active)
                .Select(c => new { c.Id, c.Settings }).ToListAsync(ct);
            ids = channels.Where(c => EmailSettings.Read(c.Settings).ImapHost is not null).Select(c => c.Id).ToList();
        }
        var imported = 0;
        foreach (var id in ids)
            imported += (await PollAsync(id, force: false, ct)).Imported;
        return imported;
    }

    /// <summary>One poll of a channel's mailbox, if it is due (or <paramref name="force"/>) and no other instance holds it.</summary>
    public async Task<EmailPollResult> PollAsync(int channelId, bool force, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId && c.Kind == ChannelKind.Email && c.Active, ct);
        var settings = channel is null ? null : EmailSettings.Read(channel.Settings);
        if (channel is null || settings?.ImapHost is null)
            return new EmailPollResult(false, 0, 0, 0, null);
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(channel.WorkspaceId);
        var o = options.Value;
        var interval = TimeSpan.FromSeconds(Math.Max(10, settings.PollSeconds ?? o.PollSeconds));

        var state = await ClaimAsync(db, channel, force ? null : interval, TimeSpan.FromSeconds(Math.Max(30, o.LeaseSeconds)), ct);
        if (state is null)
            return new EmailPollResult(false, 0, 0, 0, null);
        var (imported, bounces, skipped) = (0, 0, 0);
        string? error = null;
        try
        {
            using var imap = new ImapClient { Timeout = (int)Timeout.TotalMilliseconds };
            var port = settings.ImapPort ?? (settings.UseTls ? 993 : 143);
            await imap.ConnectAsync(settings.ImapHost, port, EmailMessageSender.Security(settings.UseTls, port), ct);
            await imap.AuthenticateAsync(secrets.Read(channel, "username") ?? "", secrets.Read(channel, "password") ?? "", ct);
            var inbox = imap.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadOnly, ct);
            var validity = (long)inbox.UidValidity;
            var last = state.UidValidity == validity ? state.LastUid : 0;   // a new UIDVALIDITY: the UIDs mean other messages now
            SearchQuery query = SearchQuery.Uids(new UniqueIdRange(new UniqueId(inbox.UidValidity, (uint)Math.Min(uint.MaxValue - 1, last + 1)), UniqueId.MaxValue));
            var search = last == 0 ? query.And(SearchQuery.DeliveredAfter(clock.GetUtcNow().UtcDateTime.AddDays(-Math.Max(1, o.FirstPollDays)))) : query;
            // "n:*" always includes the newest message, even when its UID is below n
            var uids = inbox.Count == 0 ? [] : (await inbox.SearchAsync(search, ct)).Where(u => u.Id > last).OrderBy(u => u.Id).Take(Math.Max(1, o.BatchSize)).ToList();
            var import = scope.ServiceProvider.GetRequiredService<EmailInbound>();
            foreach (var uid in uids)
            {
                var mail = await inbox.GetMessageAsync(uid, ct);
                switch (await import.ImportAsync(channel, settings, mail, $"imap:{validity}:{uid.Id}", ct))
                {
                    case EmailImport.Recorded:
                        imported++;
                        break;
                    case EmailImport.Bounce:
                        bounces++;
                        break;
                    default:
                        skipped++;
                        break;
                }
                await SaveAsync(db, channel.Id, s => s.SetProperty(m => m.UidValidity, validity).SetProperty(m => m.LastUid, (long)uid.Id), ct);
            }
            if (uids.Count == 0 && state.UidValidity != validity)
                await SaveAsync(db, channel.Id, s => s.SetProperty(m => m.UidValidity, validity).SetProperty(m => m.LastUid, 0L), ct);
            await imap.DisconnectAsync(quit: true, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // a later poll tries again from the last UID imported (what was imported stays imported)
            error = $"{ex.GetType().Name}: {ex.Message}";
            if (error.Length > 2000)
                error = error[..2000];
            log.LogWarning(ex, "Reading the mailbox of e-mail channel {Channel} failed", channel.Id);
        }
        finally
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await SaveAsync(db, channel.Id, s => s.SetProperty(m => m.PolledAt, now).SetProperty(m => m.LeaseUntil, (DateTime?)null)
                .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.Error, error), CancellationToken.None);
        }
        return new EmailPollResult(true, imported, bounces, skipped, error);
    }

    /// <summary>The mailbox's state, leased to this instance; null when another holds it or it is not due.</summary>
    private async Task<EmailMailbox?> ClaimAsync(LeadlineDb db, Channel channel, TimeSpan? interval, TimeSpan lease, CancellationToken ct)
    {
        if (!await db.EmailMailboxes.AnyAsync(m => m.ChannelId == channel.Id, ct))
        {
            try
            {
                db.EmailMailboxes.Add(new EmailMailbox { ChannelId = channel.Id, WorkspaceId = channel.WorkspaceId });
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // another instance made it a moment ago
            }
            db.ChangeTracker.Clear();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var dueBefore = interval is { } i ? now - i : DateTime.MaxValue;
        var me = instance.Name;
        var until = now + lease;
        var claimed = await db.EmailMailboxes.Where(m => m.ChannelId == channel.Id && (m.LeaseUntil == null || m.LeaseUntil <= now) && (m.PolledAt == null || m.PolledAt <= dueBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, until).SetProperty(m => m.ClaimedBy, me), ct);
        return claimed == 0 ? null : await db.EmailMailboxes.AsNoTracking().FirstAsync(m => m.ChannelId == channel.Id, ct);
    }

    /// <summary>Writes the state while this instance holds the lease.</summary>
    private Task<int> SaveAsync(LeadlineDb db, int channelId, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<EmailMailbox>> set, CancellationToken ct)
    {
        var me = instance.Name;
        return db.EmailMailboxes.Where(m => m.ChannelId == channelId && m.ClaimedBy == me).ExecuteUpdateAsync(set, ct);
    }
}

/// <summary>Every instance runs one: mailboxes due a poll are read (one instance per mailbox at a time, by lease).</summary>
public sealed class EmailPollWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<EmailOptions> options, ILogger<EmailPollWorker> log)
    : Common.Background.PeriodicWorker(scopes, clock, log)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, options.Value.TickSeconds));

    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<EmailPoller>().PollDueAsync(ct);
}
