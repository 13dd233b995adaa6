namespace MedIoT.Gateway.Access;

/// <summary>How a sign-in attempt ended (label <c>outcome</c> of <c>mediot_access_sign_ins_total</c>).</summary>
public enum SignInOutcome
{
    /// <summary>Signed in.</summary>
    Succeeded,

    /// <summary>Unknown name or wrong password (the two are not told apart).</summary>
    BadCredentials,

    /// <summary>The hospital's provider vouched for the person, who holds no role on the station, or whose staff id is not valid.</summary>
    NoRole,

    /// <summary>A malformed form, a bad anti-forgery token or a failed provider round trip.</summary>
    BadRequest,
}

/// <summary>The label values of <see cref="SignInOutcome"/>.</summary>
internal static class SignInOutcomes
{
    public static string Name(SignInOutcome outcome) => outcome switch
    {
        SignInOutcome.Succeeded => "succeeded",
        SignInOutcome.BadCredentials => "bad-credentials",
        SignInOutcome.NoRole => "no-role",
        _ => "bad-request",
    };
}
