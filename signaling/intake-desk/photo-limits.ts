// How many photos a grid report may carry and how large each may be (shared with the web client).
export const MAX_PHOTOS = 4;
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
