namespace Leadline.Leads;

/// <summary>The channel a lead came through.</summary>
public enum LeadSource
{
    Other,
    Whatsapp,
    Messenger,
    Instagram,
    WebForm,
    ChatWidget,
    Sms,
    Email,
    Phone,
    Import,
    Api,
    Referral,
    Event,
    Partner,
}

/// <summary>How the enquiry reached us: a channel, by hand (phone, walk-in, typed in), an import or the API.</summary>
public enum LeadIntakeMode
{
    Manual,
    Whatsapp,
    Messenger,
    Instagram,
    Sms,
    Email,
    Webform,
    Phone,
    WalkIn,
    Import,
    Api,
}

/// <summary>What should happen next on a lead (the Inbox's queues order by its due time).</summary>
public enum NextActionType
{
    Reply,
    FollowUp,
    ReviewRequest,
}

/// <summary>
/// The first-response SLA of the customer's latest message: none (nobody is waiting), due (a reply is owed by
/// <see cref="Lead.SlaDueAt"/>), met (answered in time) or breached (the due time passed first).
/// </summary>
public enum SlaState
{
    None,
    Due,
    Met,
    Breached,
}

/// <summary>Where a lead is in the operators' flow: nobody has recorded anything, someone has, or it is closed.</summary>
public enum LeadFlowStatus
{
    None,
    InProgress,
    Completed,
}

/// <summary>How the job went, marked by hand on the lead: done (won or completed), lost, or the customer did not show up.</summary>
public enum JobOutcome
{
    Won,
    Lost,
    NoShow,
}

/// <summary>Where the lead's last review request is: sent, its tracked link clicked, the review written (set by hand). Forward only.</summary>
public enum ReviewRequestStatus
{
    Sent,
    Clicked,
    Completed,
}
