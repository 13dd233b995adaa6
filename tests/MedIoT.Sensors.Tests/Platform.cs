// File modes (0600) are checked as on the gateway, a Linux host.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
