// A rectification's rules on the phone (sync/rectification.py on the server): the key
// of one of its items, and its state as of today.
import { townshipToday } from "./clock.js";

export const itemKey = (item) => `${item.criterion}.${item.item}`;

// The pulled state, unless the deadline has passed since (the server computes it from
// the date too, and sends no change when a day goes by).
export function rectificationState(rectification, today = townshipToday()) {
  if (rectification.state === "closed") return "closed";
  return today > String(rectification.deadline) ? "overdue" : rectification.state;
}
