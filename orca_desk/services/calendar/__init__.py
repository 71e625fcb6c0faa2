"""The calendar's data: a day's and a week's visits, their summary, the week's plan, local days."""
