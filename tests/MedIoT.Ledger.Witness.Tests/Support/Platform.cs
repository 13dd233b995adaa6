// The witness is Linux-only (file modes 0600/0700, fsync of folders), and so are its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
