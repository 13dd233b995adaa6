// What ships runs on Linux only: file modes, dpkg, systemd.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
