import { baseSettings, type Settings } from "../directory/settings.ts";
import { DIRECTORY_INDEX } from "../server/handlers.ts";

/** The document root's settings for commands that read a site without serving it. */
export function offlineSettings(): Settings {
  return baseSettings({
    debug: false,
    autoreload: false,
    maxBodySize: 0,
    requestTimeout: 0,
    directoryIndex: DIRECTORY_INDEX,
  });
}
